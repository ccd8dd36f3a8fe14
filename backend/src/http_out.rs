//! HTTP out (reqwest over rustls): posts what the webhook use cases signed. It decides
//! nothing: what is sent, to whom and how it is signed is `usecases::webhooks`'.

use std::time::Duration;

use crate::usecases::webhooks::{Poster, Signed};

/// Posts with a 10-second limit per request and no redirects (an endpoint that moves must be
/// registered again, so a body never lands where an admin did not send it).
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> anyhow::Result<Http> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Steward-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Http { client })
    }
}

impl Poster for Http {
    async fn post(&self, request: &Signed) -> Result<u16, String> {
        let mut builder = self.client.post(&request.url).body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        match builder.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(error) if error.is_timeout() => Err("the endpoint did not answer within 10 s".to_owned()),
            Err(error) if error.is_connect() => Err(format!("the endpoint could not be reached: {error}")),
            Err(error) => Err(format!("the request failed: {error}")),
        }
    }
}
