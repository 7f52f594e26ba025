//! HTTP with the driver's rules, shared by the REST scan and the OAuth client: TLS always verified
//! (rustls with the ring provider and the platform's roots, plus SSLServerCert), plain http only
//! to this machine, no Referer, bounded bodies ([`body`]), and the [`AccessTokenSource`] through
//! which a request asks for the bearer token it sends. It knows nothing of profiles, tables or
//! OAuth flows.

pub mod body;
mod token_source;

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::error::{ApiError, Error, Result};

pub use token_source::AccessTokenSource;

/// True for hosts plain http may reach: 127.0.0.0/8, ::1, localhost.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

/// Refuses what the driver will not send to: non-http(s) URLs and plain http off loopback.
pub fn check_url(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::new(
            ApiError::Refused,
            format!(
                "Plain http is allowed only to this machine (127.0.0.1, ::1, localhost), not to '{}'; use an https:// URL",
                url.host_str().unwrap_or("")
            ),
        )),
        other => Err(Error::new(
            ApiError::Refused,
            format!("The URL scheme '{other}' is not supported; use https://"),
        )),
    }
}

fn tls_config(extra_ca: Option<&std::path::Path>) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    if let Some(path) = extra_ca {
        use rustls::pki_types::pem::PemObject;
        let pem =
            crate::files::read_regular(path, 1 << 20, crate::files::Follow::Yes).map_err(|e| {
                Error::new(
                    ApiError::Refused,
                    format!(
                        "SSLServerCert '{}' could not be read ({e}); give the path of a PEM file",
                        path.display()
                    ),
                )
            })?;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
            extra.push(cert.map_err(|e| {
                Error::new(
                    ApiError::Refused,
                    format!(
                        "SSLServerCert '{}' is not a valid PEM file ({e})",
                        path.display()
                    ),
                )
            })?);
        }
        if extra.is_empty() {
            return Err(Error::new(
                ApiError::Refused,
                format!("SSLServerCert '{}' holds no certificate", path.display()),
            ));
        }
    }
    let tls_err =
        |e: String| Error::new(ApiError::Refused, format!("TLS could not be set up: {e}"));
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(e.to_string()))?;
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
    }
    .map_err(|e| tls_err(e.to_string()))?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// What a client's Timeout bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// The whole exchange, body included (token requests: small, and answered at once).
    Total,
    /// Connecting, and every wait for the next bytes: a body read as fast as the application
    /// fetches its rows may take longer than Timeout in all, without ever stalling that long.
    BetweenReads,
}

/// A reqwest client with the driver's TLS rules (also used by the OAuth client, with redirects off).
pub fn http_client(
    timeout_secs: u32,
    deadline: Deadline,
    extra_ca: Option<&std::path::Path>,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config(extra_ca)?)
        .redirect(redirects)
        // A Referer would carry the previous URL, credential query parameters included.
        .referer(false)
        .user_agent(concat!("apiodbc/", env!("CARGO_PKG_VERSION")));
    if timeout_secs > 0 {
        let limit = Duration::from_secs(u64::from(timeout_secs));
        builder = match deadline {
            Deadline::Total => builder.timeout(limit),
            Deadline::BetweenReads => builder.connect_timeout(limit).read_timeout(limit),
        };
    }
    builder.build().map_err(|e| {
        Error::new(
            ApiError::Refused,
            format!("The HTTP client could not be built: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_rules() {
        let ok = |u: &str| check_url(&Url::parse(u).unwrap_or_else(|e| panic!("{e}"))).is_ok();
        assert!(ok("http://127.0.0.1:8080/x"));
        assert!(ok("http://127.5.0.1/x"));
        assert!(ok("http://[::1]/x"));
        assert!(ok("http://localhost/x"));
        assert!(ok("https://api.example.com"));
        assert!(!ok("http://api.example.com"));
        assert!(!ok("ftp://127.0.0.1"));
    }
}
