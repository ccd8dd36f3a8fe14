//! `embed_migrations!` does not notice new migration files by itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
