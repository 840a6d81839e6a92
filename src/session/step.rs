//! What a page view does about one target's lease: the decision of the session flow,
//! kept pure so each case is tested natively (the shell performs the step).

use dni_sessions::TokenLease;

/// The step for one target on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseStep {
    /// The cookie's lease serves as is: no Durable Object call (the ordinary page view).
    Keep,
    /// The lease is close to idling out: renew it (one call, bounded by the pool timeout);
    /// the token takes what the pool granted (on a failure it keeps its own, shorter one).
    Renew,
    /// The cookie came back with a provisional lease: confirm it (one call).
    Confirm,
    /// No live lease: ask the pool for one (provisional on a first view).
    Lease { provisional: bool },
    /// Nothing to do (not a navigation, and no live lease).
    Nothing,
}

/// * `lease`: the session token's lease for this target, if any;
/// * `returning`: the request carried a valid session cookie;
/// * `navigation`: a top-level HTML navigation (only those lease, confirm or renew).
pub fn lease_step(
    lease: Option<&TokenLease>,
    now_ms: i64,
    returning: bool,
    navigation: bool,
    renew_before_ms: i64,
) -> LeaseStep {
    match lease {
        Some(l) if l.is_live(now_ms) => {
            if !navigation {
                LeaseStep::Keep
            } else if l.provisional {
                if returning {
                    LeaseStep::Confirm
                } else {
                    LeaseStep::Keep
                }
            } else if l.needs_renewal(now_ms, renew_before_ms) {
                LeaseStep::Renew
            } else {
                LeaseStep::Keep
            }
        }
        _ if navigation => LeaseStep::Lease {
            provisional: !returning,
        },
        _ => LeaseStep::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn lease(until_ms: i64, provisional: bool) -> TokenLease {
        TokenLease {
            number: dni_numbers::E164::parse("+15035550170").unwrap(),
            until_ms,
            provisional,
        }
    }

    #[test]
    fn an_ordinary_view_with_a_fresh_confirmed_lease_makes_no_call() {
        let l = lease(30 * MIN, false);
        assert_eq!(
            lease_step(Some(&l), 0, true, true, 15 * MIN),
            LeaseStep::Keep
        );
    }

    #[test]
    fn a_lease_close_to_idling_out_is_renewed() {
        let l = lease(10 * MIN, false);
        assert_eq!(
            lease_step(Some(&l), 0, true, true, 15 * MIN),
            LeaseStep::Renew
        );
    }

    #[test]
    fn a_provisional_lease_is_confirmed_when_the_cookie_comes_back() {
        let l = lease(30 * MIN, true);
        assert_eq!(
            lease_step(Some(&l), 0, true, true, 15 * MIN),
            LeaseStep::Confirm
        );
    }

    #[test]
    fn first_views_lease_provisionally_returning_ones_fully() {
        assert_eq!(
            lease_step(None, 0, false, true, 15 * MIN),
            LeaseStep::Lease { provisional: true }
        );
        assert_eq!(
            lease_step(None, 0, true, true, 15 * MIN),
            LeaseStep::Lease { provisional: false }
        );
        let expired = lease(-1, false);
        assert_eq!(
            lease_step(Some(&expired), 0, true, true, 15 * MIN),
            LeaseStep::Lease { provisional: false }
        );
    }

    #[test]
    fn sub_requests_never_call_the_pool() {
        let l = lease(1, true);
        assert_eq!(
            lease_step(Some(&l), 0, true, false, 15 * MIN),
            LeaseStep::Keep
        );
        assert_eq!(
            lease_step(None, 0, true, false, 15 * MIN),
            LeaseStep::Nothing
        );
        let old = lease(1, false);
        assert_eq!(
            lease_step(Some(&old), 0, true, false, 15 * MIN),
            LeaseStep::Keep
        );
    }
}
