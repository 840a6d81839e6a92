//! The session flow: [`plan_session`], the pool calls through a [`PoolPort`], then
//! [`SessionPlan::finish`]. The same function runs in the worker (Durable Objects) and in
//! the native tests (memory pools).

use futures_util::future::join_all;

use super::plan::{plan_session, Numbers, PoolCall, SessionInputs, Start};
use crate::pool::{PoolError, PoolPort};

/// The numbers for one view. The view's pool calls are made in parallel; renewals are
/// returned in [`Numbers::background`] for [`run_background`] after the response.
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

/// Makes the background calls (renewals); returns the errors.
pub async fn run_background<P: PoolPort>(
    calls: Vec<PoolCall>,
    now_ms: i64,
    port: &P,
) -> Vec<PoolError> {
    let mut errors = Vec::new();
    for call in calls {
        if let Err(e) = port.lease(&call.pool, call.op, now_ms).await {
            errors.push(e);
        }
    }
    errors
}
