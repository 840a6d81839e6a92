//! What the worker builds once per isolate from `DNI_CONFIG`: the validated config and,
//! per site, everything a request needs precomputed (vendor catalog, session cookie name,
//! pool references). Pure Rust, so the same code runs in `dni-check` and in tests.

use std::rc::Rc;

use dni_common::{Category, ConfigIssue, CookieName};
use dni_privacy::Catalog;
use dni_sessions::{LeasePolicy, PoolName};

use crate::config::{parse_config, Config, SiteConfig};
use crate::pool::PoolRef;

/// A site ready to serve requests.
pub struct Site {
    pub index: usize,
    pub name: String,
    pub config: SiteConfig,
    /// The worker's own session cookie name (`ct{account_id}` unless configured).
    pub session_cookie: CookieName,
    /// Shared with the rewriter's script policy (built per response).
    pub catalog: Rc<Catalog>,
    /// `pools[target][source]`: the pool object of each source of each target.
    pools: Vec<Vec<PoolRef>>,
    /// The site's stats object.
    pub stats_pool: PoolRef,
    /// `rewrite.data_paths`, compiled.
    pub data_paths: Option<regex_lite::Regex>,
}

impl Site {
    fn build(index: usize, config: SiteConfig) -> Result<Site, ConfigIssue> {
        let session_cookie = config.session.cookie_name().ok_or_else(|| {
            ConfigIssue::new(
                format!("sites[{index}].session.account_id"),
                "the session cookie name is not valid",
            )
        })?;
        let catalog = Catalog::new(
            &config.vendors,
            Some((session_cookie.as_str(), config.consent.required_category)),
        );
        let name = config.display_name();
        let policy = LeasePolicy::from_config(&config.session);
        let pools = config
            .targets
            .iter()
            .map(|t| {
                t.sources
                    .iter()
                    .map(|s| PoolRef {
                        name: PoolName::pool(&name, &t.number, &s.name),
                        numbers: s.numbers.clone(),
                        policy,
                    })
                    .collect()
            })
            .collect();
        let stats_pool = PoolRef {
            name: PoolName::stats(&name),
            numbers: Vec::new(),
            policy,
        };
        let data_paths = crate::config::compile_data_paths(&config.rewrite.data_paths);
        Ok(Site {
            data_paths,
            index,
            name,
            session_cookie,
            catalog: Rc::new(catalog),
            pools,
            stats_pool,
            config,
        })
    }

    /// The category swapping and the session cookie need.
    pub fn required_category(&self) -> Category {
        self.config.consent.required_category
    }

    /// The pool of source `source` of target `target`.
    pub fn pool(&self, target: usize, source: usize) -> Option<&PoolRef> {
        self.pools.get(target)?.get(source)
    }

    /// Every pool with its target and source indexes.
    pub fn pools(&self) -> impl Iterator<Item = (usize, usize, &PoolRef)> {
        self.pools
            .iter()
            .enumerate()
            .flat_map(|(t, ps)| ps.iter().enumerate().map(move |(s, p)| (t, s, p)))
    }
}

/// Everything built from one `DNI_CONFIG` value.
pub struct Runtime {
    pub sites: Vec<Site>,
}

impl Runtime {
    pub fn from_json(json: &str) -> Result<Runtime, Vec<ConfigIssue>> {
        let config = parse_config(json)?;
        Runtime::from_config(config)
    }

    pub fn from_config(config: Config) -> Result<Runtime, Vec<ConfigIssue>> {
        let mut sites = Vec::new();
        let mut issues = Vec::new();
        for (i, s) in config.sites.into_iter().enumerate() {
            match Site::build(i, s) {
                Ok(site) => sites.push(site),
                Err(issue) => issues.push(issue),
            }
        }
        if issues.is_empty() {
            Ok(Runtime { sites })
        } else {
            Err(issues)
        }
    }

    /// The runtime of a worker whose `DNI_CONFIG` is missing or invalid: privacy is still
    /// enforced, with the built-in defaults. One site for every host, in front of the
    /// origin (or the bundled assets, `assets`), with the built-in vendor catalog, the
    /// opt-in regime everywhere (no valid consent signal means declined: the tag firewall
    /// and cookie filtering protect the visitor) and no targets (numbers left as printed).
    pub fn safe_defaults(assets: bool) -> Result<Runtime, Vec<ConfigIssue>> {
        let upstream = if assets { "assets" } else { "origin" };
        Runtime::from_json(&format!(
            r#"{{"sites": [{{"name": "safe-defaults", "hosts": ["*"], "upstream": "{upstream}",
                "consent": {{"opt_in_countries": ["*"]}}}}]}}"#
        ))
    }

    /// The site that handles `host`: the first whose host patterns match.
    pub fn site_for_host(&self, host: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.config.matches_host(host))
    }

    /// The site at `index`.
    pub fn site(&self, index: usize) -> Option<&Site> {
        self.sites.get(index)
    }
}
