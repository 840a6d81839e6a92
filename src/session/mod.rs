//! Step 3 of the pipeline: which numbers this visitor sees, and the session cookie that
//! keeps them.
//!
//! * [`step`]: per target and request, keep / renew / confirm / lease (pure).
//! * [`plan`]: the whole session plan: which pool calls to make, and, given their
//!   answers, the numbers and the cookie (pure).
//! * [`numbers_for`]: the flow, plan → pool calls through a [`PoolPort`](crate::pool::PoolPort)
//!   → numbers. The shell runs it against Durable Objects; the tests against
//!   [`MemoryPools`](crate::pool::MemoryPools).

mod flow;
mod plan;
mod step;

pub use flow::numbers_for;
pub use plan::{lease_consent, plan_session, Ask, Numbers, SessionInputs, SessionPlan, Start};
pub use step::{lease_step, LeaseStep};
