//! A real SMTP server for the tests (mailin-embedded, on its own threads): it accepts every
//! message and keeps what arrived, so a test reads exactly what Steward sent over the wire.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Response, Server, response};

/// One message as the server received it.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Delivered {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Clone, Default)]
struct Collector {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    delivered: Arc<Mutex<Vec<Delivered>>>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Delivered { from: self.from.clone(), to: self.to.clone(), data: std::mem::take(&mut self.data) };
        self.delivered.lock().expect("delivered").push(message);
        response::OK
    }
}

/// A running SMTP server; it runs until the test process ends.
pub struct SmtpServer {
    pub addr: SocketAddr,
    delivered: Arc<Mutex<Vec<Delivered>>>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP");
        SmtpServer::start_on(listener)
    }

    /// Starts a server on `listener` (a port a test reserved before the server was up).
    pub fn start_on(listener: TcpListener) -> SmtpServer {
        let addr = listener.local_addr().expect("SMTP address");
        let collector = Collector::default();
        let delivered = collector.delivered.clone();
        std::thread::spawn(move || {
            let mut server = Server::new(collector);
            server.with_name("smtp.test").with_num_threads(2).with_tcp_listener(listener);
            let _ = server.serve();
        });
        SmtpServer { addr, delivered }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// What arrived so far.
    pub fn delivered(&self) -> Vec<Delivered> {
        self.delivered.lock().expect("delivered").clone()
    }

    /// Waits (up to 10 s) until `count` messages to `address` arrived, and returns those.
    pub async fn wait_for_to(&self, address: &str, count: usize) -> Vec<Delivered> {
        for _ in 0..200 {
            let delivered: Vec<Delivered> = self.delivered().into_iter().filter(|m| m.to == [address]).collect();
            if delivered.len() >= count {
                return delivered;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} message(s) to {address}, got {:?}", self.delivered());
    }
}
