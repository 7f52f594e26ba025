//! Where a request gets the bearer token it sends: the REST client asks before every request, and
//! the OAuth token manager answers (refreshing when the token is about to expire). Defined here so
//! that neither side needs the other.

use async_trait::async_trait;

use crate::error::Result;
use crate::secret::Secret;

#[async_trait]
pub trait AccessTokenSource: Send + Sync {
    /// The access token to send now (refreshed first if it is about to expire).
    async fn access_token(&self) -> Result<Secret>;
    /// The API answered 401 to `used`: a fresh token, or an error if none can be had.
    async fn after_unauthorized(&self, used: &Secret) -> Result<Secret>;
}
