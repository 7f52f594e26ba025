//! Where a request may go and whether it carries the credentials. Every URL the driver requests
//! (built from the base URL, a next-page link from a response body, a redirect's `Location`) is
//! checked here first: the API's own origin (scheme, host, port) gets the credentials; a host the
//! profile lists under `[[host]]` gets them only if it says so; the hosts a report file may be
//! downloaded from get none; anything else is refused before a byte is sent. Plain http stays
//! loopback-only on every hop.

use reqwest::Url;

use crate::error::{ApiError, Error, Result};
use crate::http::{check_url, is_loopback};
use crate::profile::HostRule;

/// How a request to a checked URL is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The API's origin, or a listed host trusted with them.
    WithCredentials,
    /// Another host allowed to serve the response, which gets no credential at all.
    Anonymous,
}

#[derive(Clone, Debug)]
pub struct Origins {
    base: Url,
    hosts: Vec<HostRule>,
}

impl Origins {
    pub fn new(base: Url, hosts: Vec<HostRule>) -> Origins {
        Origins { base, hosts }
    }

    /// The route for `url`; `anonymous` are further host patterns allowed without credentials
    /// for this one request (a report file's storage host). `shown` is the URL as messages may
    /// show it (credentials masked).
    pub fn route(&self, url: &Url, anonymous: &[String], shown: &str) -> Result<Route> {
        check_url(url)?;
        if same_origin(url, &self.base) {
            return Ok(Route::WithCredentials);
        }
        let host = url.host_str().unwrap_or_default();
        if url.scheme() == "https" || is_loopback(url) {
            if let Some(rule) = self.hosts.iter().find(|r| host_matches(&r.pattern, host)) {
                return Ok(if rule.credentials {
                    Route::WithCredentials
                } else {
                    Route::Anonymous
                });
            }
            if anonymous.iter().any(|p| host_matches(p, host)) {
                return Ok(Route::Anonymous);
            }
        }
        Err(Error::new(
            ApiError::OffOrigin,
            format!(
                "The API pointed the driver at {shown}, which is not the API's origin ({}); nothing was sent there. If the service really serves data from that host, a profile can list it under [[host]] (see docs/profiles.md)",
                origin_text(&self.base)
            ),
        ))
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme().eq_ignore_ascii_case(b.scheme())
        && a.host_str()
            .zip(b.host_str())
            .is_some_and(|(x, y)| x.eq_ignore_ascii_case(y))
        && a.port_or_known_default() == b.port_or_known_default()
}

fn origin_text(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// `*` matches any host; `*.example.com` matches its subdomains; anything else one host exactly.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let (pattern, host) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(domain) => host
            .strip_suffix(domain)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn origins() -> Origins {
        Origins::new(
            url("https://acme.pipedrive.com/api/v1"),
            vec![
                HostRule {
                    pattern: "files.pipedrive.com".into(),
                    credentials: true,
                },
                HostRule {
                    pattern: "*.cdn.example".into(),
                    credentials: false,
                },
            ],
        )
    }

    #[test]
    fn the_apis_origin_gets_the_credentials_and_strangers_nothing() {
        let o = origins();
        let route = |u: &str| o.route(&url(u), &[], u);
        assert_eq!(
            route("https://ACME.pipedrive.com:443/api/v1/persons?start=5"),
            Ok(Route::WithCredentials)
        );
        assert_eq!(
            route("https://files.pipedrive.com/x"),
            Ok(Route::WithCredentials)
        );
        assert_eq!(route("https://a.cdn.example/f"), Ok(Route::Anonymous));
        for stranger in [
            "https://evil.example/steal",
            "https://acme.pipedrive.com.evil.example/",
            "https://acme.pipedrive.com:8443/api/v1",
            "https://cdn.example/f",
        ] {
            let err = route(stranger).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Api(ApiError::OffOrigin), "{stranger}");
            assert!(err.message.contains(stranger), "{}", err.message);
        }
        let err = route("http://acme.pipedrive.com/api/v1").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Api(ApiError::Refused));
        assert!(err.message.contains("Plain http"), "{}", err.message);
        assert_eq!(
            o.route(
                &url("https://bucket.s3.example/f?sig=1"),
                &["*".into()],
                "x"
            ),
            Ok(Route::Anonymous)
        );
        // Plain http off loopback stays refused, whatever the patterns say.
        assert!(o
            .route(&url("http://bucket.s3.example/f"), &["*".into()], "x")
            .is_err());
    }

    #[test]
    fn patterns() {
        assert!(host_matches("*", "anything.example"));
        assert!(host_matches("*.example.com", "a.b.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("*.example.com", "badexample.com"));
        assert!(host_matches("Files.Example.com", "files.example.com"));
    }
}
