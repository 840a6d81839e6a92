//! Runs each signal's reader with its own section of the configuration: the one place
//! that knows both the crate's configuration and the readers (readers never see the
//! whole configuration, so `cmp` does not depend on `config`).

use crate::cmp::{self, CmpName, CookieRead, Outcome, ReadContext};
use crate::config::ConsentConfig;
use crate::cookie_value::Jar;

/// Appends the reads of signal `name`.
pub fn read(
    name: CmpName,
    config: &ConsentConfig,
    jar: &Jar,
    ctx: &ReadContext,
    out: &mut Vec<CookieRead>,
) {
    let now = ctx.now_ms;
    match name {
        CmpName::TcPrivacy => cmp::tc_privacy::read(&config.tc_privacy, jar, now, out),
        CmpName::Onetrust => cmp::onetrust::read(&config.onetrust, jar, out),
        CmpName::Cookiebot => cmp::cookiebot::read(&config.cookiebot, jar, out),
        CmpName::Didomi => cmp::didomi::read(&config.didomi, jar, out),
        CmpName::Tcf => cmp::tcf::read(&config.tcf, jar, now, out),
        CmpName::Cookieyes => cmp::cookieyes::read(&config.cookieyes, jar, out),
        CmpName::Complianz => cmp::complianz::read(&config.complianz, jar, out),
        CmpName::Axeptio => cmp::axeptio::read(&config.axeptio, jar, out),
        CmpName::Klaro => cmp::klaro::read(&config.klaro, jar, out),
        CmpName::Zaraz => cmp::zaraz::read(&config.zaraz, jar, out),
        CmpName::Trustarc => cmp::trustarc::read(&config.trustarc, jar, out),
        CmpName::Iubenda => cmp::iubenda::read(&config.iubenda, jar, ctx.regime, out),
        CmpName::Osano => cmp::osano::read(&config.osano, jar, out),
        CmpName::Borlabs => cmp::borlabs::read(&config.borlabs, jar, out),
        CmpName::Cookiescript => cmp::cookiescript::read(&config.cookiescript, jar, out),
        CmpName::Termly => cmp::termly::read(&config.termly, jar, out),
        CmpName::Tealium => cmp::tealium::read(&config.tealium, jar, out),
        CmpName::Tarteaucitron => cmp::tarteaucitron::read(&config.tarteaucitron, jar, out),
        CmpName::Cookiefirst => cmp::cookiefirst::read(&config.cookiefirst, jar, out),
        CmpName::Ketch => cmp::ketch::read(&config.ketch, jar, out),
        CmpName::FundingChoices => {
            cmp::funding_choices::read(&config.funding_choices, &config.tcf, jar, now, out)
        }
        CmpName::Gpp => cmp::gpp::read(&config.gpp, &config.tcf, jar, ctx, out),
        CmpName::Usp => cmp::usp::read(&config.usp, jar, ctx.regime, out),
    }
}

/// Every read of every signal in `config.order`, in that order. The US precedence is
/// applied here: when a GPP string decided through a US section (a state or `usnat`),
/// US Privacy strings are superseded (reported as ignored).
pub fn read_all(
    config: &ConsentConfig,
    jar: &Jar,
    ctx: &ReadContext,
) -> Vec<(CmpName, CookieRead)> {
    let mut all = Vec::new();
    let mut reads = Vec::new();
    for &name in &config.order {
        read(name, config, jar, ctx, &mut reads);
        all.extend(reads.drain(..).map(|r| (name, r)));
    }
    let gpp_us_decided = all.iter().any(|(name, r)| {
        *name == CmpName::Gpp
            && matches!(r.outcome, Outcome::Verdict(_))
            && r.detail.is_some_and(crate::cmp::gpp_string::us::is_us_name)
    });
    if gpp_us_decided {
        for (name, r) in &mut all {
            if *name == CmpName::Usp && matches!(r.outcome, Outcome::Verdict(_)) {
                r.outcome = Outcome::Ignored("superseded by a GPP US section");
            }
        }
    }
    all
}
