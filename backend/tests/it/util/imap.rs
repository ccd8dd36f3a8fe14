//! A real IMAP server for the tests: Dovecot (Debian's `dovecot-imapd`, which `cargo xtask
//! test` installs) with a private configuration in a temporary directory, one mailbox user,
//! on a free port. A test delivers a message by writing it into the Maildir, as a mail server
//! does, and reads the flags Steward set.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

pub const USER: &str = "support";
pub const PASSWORD: &str = "imap-test-password";
const DOVECOT: &str = "/usr/sbin/dovecot";

pub struct ImapServer {
    pub port: u16,
    dir: PathBuf,
    child: Child,
    delivered: usize,
}

impl ImapServer {
    pub fn start() -> ImapServer {
        assert!(
            std::path::Path::new(DOVECOT).exists(),
            "{DOVECOT} is missing: `cargo xtask test` installs Debian's dovecot-imapd (or run apt-get install dovecot-imapd)"
        );
        let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("port").port();
        let dir = std::env::temp_dir().join(format!("steward-imap-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "state", "mail/support/new", "mail/support/cur", "mail/support/tmp"] {
            std::fs::create_dir_all(dir.join(sub)).expect("dovecot dirs");
        }
        std::fs::write(dir.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("users");
        // Mail is owned by an unprivileged user: Dovecot never serves a mailbox as root.
        chown_tree(&dir.join("mail"));
        let d = dir.display();
        let config = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\nprotocols = imap\nlisten = 127.0.0.1\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nmail_location = maildir:{d}/mail/%u\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={d}/mail/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n"
        );
        let config_path = dir.join("dovecot.conf");
        std::fs::write(&config_path, config).expect("config");
        let child = Command::new(DOVECOT).arg("-F").arg("-c").arg(&config_path).spawn().expect("start dovecot");
        // From here the server is stopped on drop, however the test ends.
        let server = ImapServer { port, dir, child, delivered: 0 };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "dovecot did not listen on {port}; its log: {:?}",
            std::fs::read_to_string(server.dir.join("dovecot.log"))
        );
    }

    /// `imap://support:…@127.0.0.1:port/INBOX`.
    pub fn url(&self) -> String {
        format!("imap://{USER}:{PASSWORD}@127.0.0.1:{}/INBOX", self.port)
    }

    /// Puts `raw` in the mailbox, unseen.
    pub fn deliver(&mut self, raw: &[u8]) {
        self.delivered += 1;
        let name = format!("{}.{}.steward-test", 1_700_000_000 + self.delivered, self.delivered);
        let tmp = self.dir.join("mail/support/tmp").join(&name);
        std::fs::write(&tmp, raw).expect("deliver");
        std::fs::rename(&tmp, self.dir.join("mail/support/new").join(&name)).expect("deliver");
    }

    /// The flags of every message, in delivery order (Maildir's `:2,FS` suffix: F flagged, S seen).
    pub fn flags(&self) -> Vec<String> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            for entry in std::fs::read_dir(self.dir.join("mail/support").join(sub)).expect("maildir").flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let flags = name.split_once(":2,").map(|(_, f)| f.to_owned()).unwrap_or_default();
                found.push((name, flags));
            }
        }
        found.sort();
        found.into_iter().map(|(_, flags)| flags).collect()
    }
}

fn chown_tree(path: &std::path::Path) {
    let nobody = 65534;
    std::os::unix::fs::chown(path, Some(nobody), Some(nobody)).expect("chown");
    for entry in std::fs::read_dir(path).expect("read").flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            chown_tree(&entry.path());
        }
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        // TERM, so the master stops its login and auth processes too.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
