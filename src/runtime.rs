//! What the worker builds once per isolate from `DNI_CONFIG`: the validated config and,
//! per site, the precomputed matchers (vendor catalog, parsed numbers). Pure Rust, so the
//! same code runs in `dni-check` and in tests.

use dni_common::{Category, ConfigIssue};
use dni_privacy::Catalog;

use crate::config::{parse_config, Config, SiteConfig};

/// A site ready to serve requests.
pub struct Site {
    pub index: usize,
    pub name: String,
    pub config: SiteConfig,
    /// The worker's own session cookie name (`ct{account_id}` unless configured).
    pub session_cookie: String,
    pub catalog: Catalog,
}

impl Site {
    fn build(index: usize, config: SiteConfig) -> Site {
        let session_cookie = config.session.cookie_name();
        let catalog = Catalog::new(
            &config.vendors,
            Some((session_cookie.as_str(), config.consent.required_category)),
        );
        Site {
            index,
            name: config.display_name(),
            session_cookie,
            catalog,
            config,
        }
    }

    /// The category swapping and the session cookie need.
    pub fn required_category(&self) -> Category {
        self.config.consent.required_category
    }

    /// The Durable Object name of the pool for `source_name` of target `target`.
    pub fn pool_name(&self, target: &str, source_name: &str) -> String {
        format!("{}/{}/{}", self.name, target, source_name)
    }
}

/// Everything built from one `DNI_CONFIG` value.
pub struct Runtime {
    pub sites: Vec<Site>,
}

impl Runtime {
    pub fn from_json(json: &str) -> Result<Runtime, Vec<ConfigIssue>> {
        let config = parse_config(json)?;
        Ok(Runtime::from_config(config))
    }

    pub fn from_config(config: Config) -> Runtime {
        let sites = config
            .sites
            .into_iter()
            .enumerate()
            .map(|(i, s)| Site::build(i, s))
            .collect();
        Runtime { sites }
    }

    /// The site that handles `host`: the first whose host patterns match.
    pub fn site_for_host(&self, host: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.config.matches_host(host))
    }
}
