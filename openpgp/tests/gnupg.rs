#![cfg(unix)]
//! Steward's OpenPGP against real GnuPG (`gpg`, installed by `cargo xtask test`), in throwaway
//! homes: what Steward seals, `gpg --decrypt` opens to exactly the bytes sealed; what `gpg
//! --encrypt` makes, Steward opens with the exported private key; and the keys Steward must
//! refuse are refused for the reason a person can act on.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use steward_domain::openpgp::{KeyRefusal, SealRefusal, usable};
use steward_openpgp::{CryptoError, Form, PrivateKey, read_key, recipients, seal};

const PASSPHRASE: &str = "correct horse battery staple";

/// A GnuPG home of its own, removed (and its agent stopped) at the end.
struct Gpg {
    home: PathBuf,
}

impl Gpg {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        // Short: the agent's socket path must fit in 108 bytes.
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "gpg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("a GnuPG home");
        let mut permissions = std::fs::metadata(&home).expect("home").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o700);
        std::fs::set_permissions(&home, permissions).expect("private home");
        Self { home }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("gpg");
        command
            .env("GNUPGHOME", &self.home)
            .args(["--batch", "--yes", "--quiet", "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE])
            .args(args);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg runs (cargo xtask test installs GnuPG)");
        // Written from a thread: gpg writes while it reads, and a full pipe both ways would wait
        // forever.
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
        let output = child.wait_with_output().expect("gpg finishes");
        writer.join().expect("the writer ends").expect("gpg reads its input");
        assert!(output.status.success(), "gpg {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        output
    }

    fn fingerprint(&self, user: &str) -> String {
        let listing = self.run(&["--with-colons", "--list-keys", user]);
        String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("fpr:").map(|rest| rest.trim_matches(':').to_owned()))
            .expect("a fingerprint")
    }

    /// A key made the way `gpg --quick-gen-key` makes it by default today: ed25519 with a
    /// cv25519 encryption subkey.
    fn modern_key(&self, user: &str) -> String {
        self.run(&["--quick-gen-key", user, "future-default", "default", "never"]);
        self.fingerprint(user)
    }

    fn public(&self, user: &str) -> String {
        String::from_utf8(self.run(&["--armor", "--export", user]).stdout).expect("armored")
    }

    fn private(&self, user: &str) -> Vec<u8> {
        self.run(&["--armor", "--export-secret-keys", user]).stdout
    }

    fn decrypt(&self, message: &[u8]) -> Vec<u8> {
        self.run_with(&["--decrypt"], message).stdout
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf").env("GNUPGHOME", &self.home).args(["--kill", "gpg-agent"]).status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

#[test]
fn texts_and_files_sealed_by_steward_open_in_gnupg_exactly() {
    let team = Gpg::new();
    team.modern_key("Support Team <support@example.org>");
    // An older team member's RSA key: a sign-and-certify primary with an RSA encryption subkey.
    team.run(&["--quick-gen-key", "Old RSA <rsa@example.org>", "rsa3072", "default", "never"]);
    let rsa = team.fingerprint("rsa@example.org");
    team.run(&["--quick-add-key", &rsa, "rsa3072", "encr", "never"]);
    let (modern, old) = (team.public("support@example.org"), team.public("rsa@example.org"));

    let facts = read_key(modern.as_bytes()).expect("a key");
    assert_eq!(facts.version, 4);
    assert_eq!(facts.fingerprint, team.fingerprint("support@example.org"));
    assert_eq!(facts.user_ids, ["Support Team <support@example.org>"]);
    let usable_key = usable(&facts, now()).expect("usable");
    assert_eq!(usable_key.encrypt_to.len(), 1, "the cv25519 subkey, not the ed25519 primary");

    let secret = "Hub admin password: Zürich-🔑-2026\nand the VPN PIN 0042\n";
    let sealed = seal(&[&modern, &old], now(), secret.as_bytes(), Form::Armored).expect("sealed");
    let text = String::from_utf8(sealed.clone()).expect("armor is text");
    assert!(text.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(!text.contains("Zürich") && !text.contains("0042"));
    assert_eq!(team.decrypt(&sealed), secret.as_bytes(), "GnuPG reads it");
    let listed = recipients(&sealed).expect("recipients");
    assert_eq!(listed.len(), 2, "one encrypted session key per key: {listed:?}");
    let rsa_only = Gpg::new();
    rsa_only.run_with(&["--import"], &team.private("rsa@example.org"));
    assert_eq!(rsa_only.decrypt(&sealed), secret.as_bytes(), "either key alone opens it");

    let file: Vec<u8> = (0..1_048_576u32).map(|i| (i * 7 % 251) as u8).collect();
    let sealed_file = seal(&[&modern], now(), &file, Form::Binary).expect("sealed file");
    assert!(sealed_file.len() < file.len() + 1024, "binary, not armored: {}", sealed_file.len());
    assert_eq!(team.decrypt(&sealed_file), file);
    assert_eq!(recipients(&sealed_file[..600]).expect("from its first bytes").len(), 1, "named from the start");
    let packets = String::from_utf8_lossy(&team.run_with(&["--list-packets"], &sealed_file).stdout).into_owned();
    assert!(packets.contains(":pubkey enc packet: version 3"), "{packets}");
    assert!(packets.contains(":encrypted data packet:") && packets.contains("mdc_method: 2"), "SEIPD v1: {packets}");
}

#[test]
fn what_gnupg_encrypts_opens_with_the_private_key_unlocked_once() {
    let steward = Gpg::new();
    let fingerprint = steward.modern_key("Sam Steward <sam@example.org>");
    let requester = Gpg::new();
    requester.run_with(&["--import"], steward.public("sam@example.org").as_bytes());
    let typed = "The database password is hunter2 — rotate it after the workshop.";
    // As a requester does it: gpg compresses by default (ZLIB).
    let message = requester
        .run_with(&["--trust-model", "always", "--encrypt", "--armor", "-r", "sam@example.org"], typed.as_bytes())
        .stdout;
    assert!(!String::from_utf8_lossy(&message).contains("hunter2"));

    let key = PrivateKey::unlock(&steward.private("sam@example.org"), PASSPHRASE).expect("unlocked");
    assert_eq!(key.fingerprint(), fingerprint);
    assert_eq!(key.user_id(), "Sam Steward <sam@example.org>");
    assert_eq!(key.open(&message).expect("opened"), typed.as_bytes());
    assert_eq!(key.open(&message).expect("and again, without the passphrase"), typed.as_bytes());

    assert_eq!(
        PrivateKey::unlock(&steward.private("sam@example.org"), "wrong").expect_err("refused"),
        CryptoError::WrongPassphrase
    );
    assert_eq!(
        PrivateKey::unlock(steward.public("sam@example.org").as_bytes(), PASSPHRASE).expect_err("refused"),
        CryptoError::NotAPrivateKey
    );
    let someone_else = Gpg::new();
    someone_else.modern_key("Other <other@example.org>");
    let theirs =
        seal(&[&someone_else.public("other@example.org")], now(), b"not yours", Form::Armored).expect("sealed");
    assert_eq!(key.open(&theirs).expect_err("not for Sam"), CryptoError::NotForThisKey);
    assert_eq!(key.open(b"hunter2").expect_err("not a message"), CryptoError::NotAMessage);

    // A file a requester encrypted with `gpg --encrypt report.pdf` opens under its own name.
    let file_path = requester.home.join("report.pdf");
    std::fs::write(&file_path, b"%PDF-1.7 not really").expect("written");
    let path = file_path.to_str().expect("a UTF-8 path");
    requester.run(&["--trust-model", "always", "--encrypt", "-r", "sam@example.org", path]);
    let sealed = std::fs::read(format!("{path}.gpg")).expect("gpg wrote report.pdf.gpg");
    let opened = key.open_file(&sealed).expect("opened");
    assert_eq!((opened.name.as_str(), opened.bytes.as_slice()), ("report.pdf", &b"%PDF-1.7 not really"[..]));
}

fn refusal(block: &[u8]) -> KeyRefusal {
    match read_key(block) {
        Ok(facts) => usable(&facts, now()).expect_err("refused"),
        Err(refusal) => refusal,
    }
}

#[test]
fn keys_steward_cannot_encrypt_to_are_refused_with_the_reason() {
    let gpg = Gpg::new();
    let old = ["--faked-system-time", "20200101T000000"];

    gpg.run(
        &[&old[..], &["--quick-gen-key", "Expired <expired@example.org>", "future-default", "default", "1d"]].concat(),
    );
    assert!(
        matches!(refusal(gpg.public("expired@example.org").as_bytes()), KeyRefusal::Expired(at) if at.format("%Y").to_string() == "2020")
    );

    let revoked = gpg.modern_key("Revoked <revoked@example.org>");
    let certificate = std::fs::read_to_string(gpg.home.join("openpgp-revocs.d").join(format!("{revoked}.rev")))
        .expect("gpg writes a revocation certificate");
    gpg.run_with(&["--import"], certificate.replace(":-----BEGIN", "-----BEGIN").as_bytes());
    assert_eq!(refusal(gpg.public("revoked@example.org").as_bytes()), KeyRefusal::Revoked);

    gpg.run(&["--quick-gen-key", "Sign Only <sign@example.org>", "ed25519", "sign", "never"]);
    assert_eq!(refusal(gpg.public("sign@example.org").as_bytes()), KeyRefusal::SignOnly);

    gpg.run(
        &[&old[..], &["--quick-gen-key", "Subkey Expired <subexp@example.org>", "ed25519", "cert", "never"]].concat(),
    );
    let subexp = gpg.fingerprint("subexp@example.org");
    gpg.run(&[&old[..], &["--quick-add-key", &subexp, "cv25519", "encr", "1d"]].concat());
    assert!(matches!(refusal(gpg.public("subexp@example.org").as_bytes()), KeyRefusal::EncryptionExpired(_)));

    gpg.modern_key("Valid <valid@example.org>");
    assert_eq!(refusal(&gpg.private("valid@example.org")), KeyRefusal::Secret, "a private key is never taken");
    let both = format!("{}\n{}", gpg.public("valid@example.org"), gpg.public("sign@example.org"));
    assert_eq!(refusal(both.as_bytes()), KeyRefusal::SeveralKeys);
    assert_eq!(refusal(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI steward@example.org"), KeyRefusal::NotAKey);
    let cut = gpg.public("valid@example.org");
    assert_eq!(refusal(&cut.as_bytes()[..cut.len() / 2]), KeyRefusal::NotAKey, "cut short when copied");

    assert_eq!(refusal(version_6_key().as_bytes()), KeyRefusal::Version(6));
}

/// A version-6 key (RFC 9580) as rpgp makes one: GnuPG 2.4 and older cannot make or read it.
fn version_6_key() -> String {
    use pgp::composed::{KeyType, SecretKeyParamsBuilder, SignedPublicKey, SubkeyParamsBuilder};
    use pgp::types::KeyVersion;
    let mut rng = rand::thread_rng();
    let mut subkey = SubkeyParamsBuilder::default();
    subkey.version(KeyVersion::V6).key_type(KeyType::X25519).can_encrypt(pgp::composed::EncryptionCaps::All);
    let mut params = SecretKeyParamsBuilder::default();
    params
        .version(KeyVersion::V6)
        .key_type(KeyType::Ed25519)
        .can_certify(true)
        .can_sign(true)
        .primary_user_id("New <v6@example.org>".into())
        .subkey(subkey.build().expect("subkey params"));
    let secret = params.build().expect("params").generate(&mut rng).expect("a v6 key");
    SignedPublicKey::from(secret).to_armored_string(Default::default()).expect("armored")
}

#[test]
fn a_message_is_named_by_its_recipients_without_opening_it() {
    let gpg = Gpg::new();
    gpg.modern_key("A <a@example.org>");
    gpg.modern_key("B <b@example.org>");
    let message = gpg
        .run_with(
            &["--trust-model", "always", "--encrypt", "--armor", "-r", "a@example.org", "-r", "b@example.org"],
            b"x",
        )
        .stdout;
    let mut ids = recipients(&message).expect("recipients");
    ids.sort();
    let facts = |user: &str| read_key(gpg.public(user).as_bytes()).expect("a key");
    let mut expected: Vec<String> =
        ["a@example.org", "b@example.org"].iter().map(|u| facts(u).parts[1].key_id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "the encryption subkeys' ids, as `gpg --list-packets` shows them");
    let hidden = gpg.run_with(&["--trust-model", "always", "--encrypt", "-R", "a@example.org"], b"x").stdout;
    assert_eq!(recipients(&hidden).expect("recipients"), ["0000000000000000"], "a hidden recipient");
    assert_eq!(
        recipients(b"-----BEGIN PGP MESSAGE-----\n\nnot base64 at all\n-----END PGP MESSAGE-----"),
        Err(SealRefusal::Unreadable)
    );
    let signed = gpg.run_with(&["--armor", "--sign", "-u", "a@example.org"], b"x").stdout;
    assert_eq!(recipients(&signed), Err(SealRefusal::Unreadable), "signed is not sealed");
}
