//! [`Relay`]: a TCP relay on loopback in front of a server, whose upstream a test switches (a
//! sequencer replaced by another chain: a reorg) or cuts (an outage). Every switch or cut closes
//! the connections open through it, so that kept-alive HTTP connections see it too.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A running relay; its threads end with the test process.
#[derive(Debug)]
pub struct Relay {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    /// `host:port` connections go to; `None` while cut.
    upstream: Mutex<Option<String>>,
    /// Both ends of every connection relayed now.
    live: Mutex<Vec<TcpStream>>,
}

impl Relay {
    /// Listens on a free loopback port and relays to `upstream` (`http://host:port` or
    /// `host:port`).
    pub fn start(upstream: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let addr = listener.local_addr().expect("the relay's address");
        let shared = Arc::new(Shared::default());
        *shared.upstream.lock().unwrap() = Some(host_port(upstream));
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                accepting.relay(client);
            }
        });
        Relay { addr, shared }
    }

    /// `http://` and the relay's address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The relay's `host:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Relays to `upstream` from now on; open connections are closed.
    pub fn set_upstream(&self, upstream: &str) {
        *self.shared.upstream.lock().unwrap() = Some(host_port(upstream));
        self.shared.close_all();
    }

    /// Refuses every connection (accepted, then closed at once) until the next
    /// [`Relay::set_upstream`]; open connections are closed.
    pub fn cut(&self) {
        *self.shared.upstream.lock().unwrap() = None;
        self.shared.close_all();
    }
}

impl Shared {
    fn relay(&self, client: TcpStream) {
        let upstream = self.upstream.lock().unwrap().clone();
        let Some(server) = upstream.and_then(|to| TcpStream::connect(to).ok()) else {
            let _ = client.shutdown(Shutdown::Both);
            return;
        };
        let (Ok(client_copy), Ok(server_copy)) = (client.try_clone(), server.try_clone()) else {
            return;
        };
        {
            let mut live = self.live.lock().unwrap();
            live.retain(|stream| stream.peer_addr().is_ok());
            for stream in [&client, &server] {
                if let Ok(copy) = stream.try_clone() {
                    live.push(copy);
                }
            }
        }
        std::thread::spawn(move || pump(client, server_copy));
        std::thread::spawn(move || pump(server, client_copy));
    }

    fn close_all(&self) {
        for stream in self.live.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// Copies `from` to `to` until either side closes, then closes both.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

fn host_port(upstream: &str) -> String {
    let rest = upstream.trim_start_matches("http://");
    rest.trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo_server(reply: &'static [u8]) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(Result::ok) {
                let mut byte = [0u8; 1];
                if stream.read_exact(&mut byte).is_ok() {
                    let _ = stream.write_all(reply);
                }
            }
        });
        addr
    }

    fn ask(relay: &Relay) -> Vec<u8> {
        let mut stream = TcpStream::connect(relay.addr()).unwrap();
        let _ = stream.write_all(b"?");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    }

    #[test]
    fn relays_switches_and_cuts() {
        let (a, b) = (echo_server(b"a"), echo_server(b"b"));
        let relay = Relay::start(&format!("http://{a}"));
        assert_eq!(ask(&relay), b"a");
        relay.set_upstream(&b.to_string());
        assert_eq!(ask(&relay), b"b");
        relay.cut();
        assert_eq!(ask(&relay), b"");
        relay.set_upstream(&a.to_string());
        assert_eq!(ask(&relay), b"a");
    }
}
