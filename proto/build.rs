//! Compiles `protos/steward/v1/*.proto` with protox (no `protoc` needed) and generates
//! prost messages plus tonic clients and servers. Transport code is never generated, so the
//! same output builds for the host and for wasm32.
use std::{env, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("protos");
    let dir = root.join("steward/v1");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    files.sort();
    println!("cargo:rerun-if-changed={}", dir.display());
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }

    let descriptors = protox::compile(&files, [&root])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("steward_descriptor.bin"), prost::Message::encode_to_vec(&descriptors))?;

    let server = env::var_os("CARGO_FEATURE_SERVER").is_some();
    let client = env::var_os("CARGO_FEATURE_CLIENT").is_some();
    tonic_prost_build::configure()
        .build_transport(false)
        .build_server(server)
        .build_client(client)
        .compile_fds(descriptors)?;
    Ok(())
}
