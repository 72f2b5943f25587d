//! A JSON-RPC proxy in front of a sequencer that can switch upstreams (a reorg) and rewrite
//! answers (a lying or broken sequencer). Real jsonrpsee server and client over loopback.

use std::sync::{Arc, Mutex};

use jsonrpsee::RpcModule;
use jsonrpsee::core::client::{ClientT, Error as ClientError};
use jsonrpsee::http_client::HttpClient;
use jsonrpsee::server::{Server, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::Value;

/// Rewrites `(method, params, answer)` into the answer the proxy gives.
pub type Tamper = Arc<dyn Fn(&str, &Value, Value) -> Result<Value, String> + Send + Sync>;

/// What the proxy serves: every method the watcher calls, and `getNonce` (tests read
/// accounts through the proxy).
fn methods() -> impl Iterator<Item = &'static str> {
    watcher::requests::Request::METHODS.into_iter().chain(["starknet_getNonce"])
}

struct Context {
    upstream: Mutex<HttpClient>,
    tamper: Mutex<Option<Tamper>>,
}

pub struct Proxy {
    pub url: String,
    context: Arc<Context>,
    handle: ServerHandle,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let context = Arc::new(Context {
            upstream: Mutex::new(super::client(upstream)),
            tamper: Mutex::new(None),
        });
        let mut module = RpcModule::from_arc(context.clone());
        for method in methods() {
            module
                .register_async_method(method, move |params, context, _| async move {
                    let params: Value = match params.as_str() {
                        Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
                        None => Value::Array(vec![]),
                    };
                    let client = context.upstream.lock().unwrap().clone();
                    let answer: Result<Value, ClientError> = match &params {
                        Value::Object(map) => client.request(method, map.clone()).await,
                        Value::Array(list) => client.request(method, list.clone()).await,
                        _ => client.request(method, Vec::<Value>::new()).await,
                    };
                    let answer = answer.map_err(|error| match error {
                        ClientError::Call(object) => object,
                        other => ErrorObjectOwned::owned(-32000, other.to_string(), None::<()>),
                    })?;
                    let tamper = context.tamper.lock().unwrap().clone();
                    match tamper {
                        Some(tamper) => tamper(method, &params, answer)
                            .map_err(|reason| ErrorObjectOwned::owned(-32000, reason, None::<()>)),
                        None => Ok::<Value, ErrorObjectOwned>(answer),
                    }
                })
                .unwrap();
        }
        let server = Server::builder().build("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", server.local_addr().unwrap());
        let handle = server.start(module);
        Proxy { url, context, handle }
    }

    /// From now on, forwards to `upstream`.
    pub fn set_upstream(&self, upstream: &str) {
        *self.context.upstream.lock().unwrap() = super::client(upstream);
    }

    /// From now on, rewrites answers with `tamper` (`None`: honest again).
    pub fn set_tamper(&self, tamper: Option<Tamper>) {
        *self.context.tamper.lock().unwrap() = tamper;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.handle.stop();
    }
}

/// The block number a request is about (`{"block_number": n}` as first parameter).
pub fn requested_block(params: &Value) -> Option<u64> {
    let id = match params {
        Value::Array(list) => list.first()?,
        Value::Object(map) => map.get("block_id")?,
        _ => return None,
    };
    id.get("block_number")?.as_u64()
}
