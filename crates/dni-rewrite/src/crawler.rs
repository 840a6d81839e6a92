//! Search-engine and link-preview crawlers, which get the original numbers.

/// Built-in crawler `User-Agent` substrings (matched case-insensitively): Google (search,
/// ads, inspection, store), Bing, DuckDuckGo, Yandex, Baidu, Apple, Yahoo, Seznam, Naver,
/// Sogou, Qwant, Petal (Huawei), Exalead, Mojeek, and link-preview fetchers (Facebook,
/// Twitter/X, LinkedIn, Slack, Discord, Telegram, WhatsApp, Pinterest), whose snapshots are
/// shown to other people. Generic words like `bot` are deliberately absent: too many real
/// browsers' in-app user agents contain them.
pub const BUILT_IN_CRAWLERS: &[&str] = &[
    "googlebot",
    "google-inspectiontool",
    "googleother",
    "storebot-google",
    "adsbot-google",
    "mediapartners-google",
    "apis-google",
    "bingbot",
    "bingpreview",
    "adidxbot",
    "msnbot",
    "duckduckbot",
    "duckassistbot",
    "yandexbot",
    "yandex.com/bots",
    "baiduspider",
    "applebot",
    "slurp",
    "seznambot",
    "yeti/",
    "sogou",
    "qwantbot",
    "petalbot",
    "exabot",
    "mojeekbot",
    "facebookexternalhit",
    "facebookcatalog",
    "twitterbot",
    "linkedinbot",
    "slackbot",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "pinterestbot",
];

/// Whether `user_agent` is a crawler: contains (ASCII case-insensitively) one of
/// [`BUILT_IN_CRAWLERS`] or one of `extra` (`rewrite.crawler_user_agents`). Empty `extra`
/// entries are ignored.
pub fn is_crawler(user_agent: &str, extra: &[String]) -> bool {
    let ua = user_agent.as_bytes();
    BUILT_IN_CRAWLERS
        .iter()
        .any(|n| contains_ignore_case(ua, n.as_bytes()))
        || extra
            .iter()
            .any(|n| !n.is_empty() && contains_ignore_case(ua, n.as_bytes()))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.len() <= haystack.len()
        && haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_major_crawlers() {
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        ] {
            assert!(is_crawler(ua, &[]), "{ua}");
        }
    }

    #[test]
    fn browsers_are_not_crawlers() {
        for ua in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "",
        ] {
            assert!(!is_crawler(ua, &[]), "{ua}");
        }
    }

    #[test]
    fn extra_substrings_are_case_insensitive_and_empty_ones_ignored() {
        let extra = vec!["AcmeCrawler".to_string(), String::new()];
        assert!(is_crawler("acmecrawler/2.0", &extra));
        assert!(!is_crawler("Mozilla/5.0", &extra));
    }
}
