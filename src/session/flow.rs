//! The session flow: [`plan_session`], the pool calls through a [`PoolPort`], then
//! [`SessionPlan::finish`]. The same function runs in the worker (Durable Objects) and in
//! the native tests (memory pools).

use futures_util::future::join_all;

use super::plan::{plan_session, Numbers, SessionInputs, Start};
use crate::pool::PoolPort;

/// The numbers for one view. The view's pool calls are made in parallel; each is bounded
/// by the port's timeout (the shell's `DoPools`), a failed or late one gives the fallback.
pub async fn numbers_for<P: PoolPort>(
    inputs: SessionInputs<'_>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
    port: &P,
) -> Numbers {
    match plan_session(inputs, new_id) {
        Start::Done(numbers) => numbers,
        Start::Session(plan) => {
            let now = inputs.facts.now_ms;
            let answers = join_all(
                plan.asks
                    .iter()
                    .map(|ask| port.lease(&ask.pool, ask.op.clone(), now)),
            )
            .await;
            plan.finish(answers)
        }
    }
}
