//! Steward's API: protobuf package `steward.v1`, one service per area.
//!
//! The `.proto` files under `protos/` are the source of truth; this crate compiles them and
//! maps their enums to the domain's values ([`domain`]).
//! Feature `server` adds the service traits and the descriptor set served by gRPC reflection;
//! feature `client` adds tonic's clients, used by the integration tests and the bench; feature
//! `browser` adds the browser's clients ([`browser`]).

/// Everything generated from `protos/steward/v1`.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("steward.v1");

    /// The browser's clients: one per service, calling through [`crate::browser`].
    #[cfg(feature = "browser")]
    pub mod browser {
        include!(concat!(env!("OUT_DIR"), "/steward.v1.browser.rs"));
    }
}

#[cfg(feature = "browser")]
pub mod browser;

pub mod domain;

/// The encoded `FileDescriptorSet` of every Steward proto, for gRPC server reflection.
#[cfg(feature = "server")]
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/steward_descriptor.bin"));
