//! The browser's calls: what the generated browser clients (`v1::browser`) run on.
//!
//! The rule of this module: tonic's client machinery is compiled once, for bytes, not once per
//! RPC. Each generated method encodes its request with prost, sends the bytes through tonic's
//! `Grpc` client with [`BytesCodec`], and decodes the answer; only the prost encoding and
//! decoding are generic. (tonic's own generated clients are generic in both messages of every
//! RPC: in the WebAssembly that was about 3.6 KiB per RPC, a tenth of the app.) The backend's
//! tests use tonic's generated clients (feature `client`); both are generated from the same
//! protos, so a path or a message type cannot drift.

use std::marker::PhantomData;

use prost::Message;
use prost::bytes::{Buf, BufMut, Bytes};
use tonic::client::{Grpc, GrpcService};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder, Streaming};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::codegen::{Body, StdError};
use tonic::{Request, Response, Status};

/// Sends messages already encoded and hands back the bytes of each answer.
#[derive(Clone, Copy, Debug, Default)]
pub struct BytesCodec;

impl Codec for BytesCodec {
    type Encode = Vec<u8>;
    type Decode = Bytes;
    type Encoder = BytesCodec;
    type Decoder = BytesCodec;

    fn encoder(&mut self) -> Self::Encoder {
        BytesCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        BytesCodec
    }
}

impl Encoder for BytesCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for BytesCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// A transport (in the browser, `tonic_web_wasm_client::Client`) that the generated clients
/// call through.
#[derive(Clone, Debug)]
pub struct Caller<T> {
    grpc: Grpc<T>,
}

impl<T> Caller<T>
where
    T: GrpcService<tonic::body::Body>,
    T::Error: Into<StdError>,
    T::ResponseBody: Body<Data = Bytes> + Send + 'static,
    <T::ResponseBody as Body>::Error: Into<StdError> + Send,
{
    pub fn new(transport: T) -> Self {
        Caller { grpc: Grpc::new(transport) }
    }

    /// Calls the unary RPC at `path` with `request`.
    pub async fn unary<Req: Message, Resp: Message + Default>(
        &mut self,
        request: Req,
        path: &'static str,
    ) -> Result<Response<Resp>, Status> {
        let answer = self.unary_bytes(request.encode_to_vec(), path).await?;
        let (metadata, bytes, extensions) = answer.into_parts();
        Ok(Response::from_parts(metadata, decode(bytes)?, extensions))
    }

    /// Calls the server-streaming RPC at `path` with `request`.
    pub async fn server_streaming<Req: Message, Resp: Message + Default>(
        &mut self,
        request: Req,
        path: &'static str,
    ) -> Result<Response<Messages<Resp>>, Status> {
        let answer = self.server_streaming_bytes(request.encode_to_vec(), path).await?;
        Ok(answer.map(|stream| Messages { stream, message: PhantomData }))
    }

    async fn unary_bytes(&mut self, request: Vec<u8>, path: &'static str) -> Result<Response<Bytes>, Status> {
        self.ready().await?;
        self.grpc.unary(Request::new(request), PathAndQuery::from_static(path), BytesCodec).await
    }

    async fn server_streaming_bytes(
        &mut self,
        request: Vec<u8>,
        path: &'static str,
    ) -> Result<Response<Streaming<Bytes>>, Status> {
        self.ready().await?;
        self.grpc.server_streaming(Request::new(request), PathAndQuery::from_static(path), BytesCodec).await
    }

    async fn ready(&mut self) -> Result<(), Status> {
        self.grpc.ready().await.map_err(|error| Status::unknown(format!("Service was not ready: {}", error.into())))
    }
}

/// The messages of a server-streaming answer, decoded one by one.
pub struct Messages<T> {
    stream: Streaming<Bytes>,
    message: PhantomData<T>,
}

impl<T: Message + Default> Messages<T> {
    /// The next message; `None` once the stream has ended cleanly.
    pub async fn message(&mut self) -> Result<Option<T>, Status> {
        match self.stream.message().await? {
            Some(bytes) => decode(bytes).map(Some),
            None => Ok(None),
        }
    }
}

fn decode<T: Message + Default>(bytes: Bytes) -> Result<T, Status> {
    T::decode(bytes).map_err(|error| Status::internal(format!("Steward sent a message this app cannot read: {error}")))
}
