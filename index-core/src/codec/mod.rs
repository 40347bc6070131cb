//! codec/: how are numbers laid out in bytes?
//!
//! The primitives every section of the index file is made of: little-endian fixed-width integers,
//! variable-length integers (positions, dictionary records, block metas), bit-packed blocks for
//! doc-id gaps and term frequencies, bit sets for dense blocks of doc ids, and CRC-32 checksums.
//! Each encoder sits beside its decoder and their round trip is property tested. Nothing here
//! knows about terms or documents.

mod bitpacking;
mod bitset;
mod bytes;
mod crc32;
pub(crate) mod deflate;
mod varint;

pub(crate) use bitpacking::{
    bits_needed, pack, packed_len, unpack, unpack_in_bounds, unpack_one, Finish,
};
pub(crate) use bitset::{bitset_len, write_bitset, Bitset};
pub(crate) use bytes::{ByteWriter, Bytes};
pub(crate) use crc32::{crc32, crc32_append};
pub(crate) use varint::{read_varint, read_varint64, write_varint, write_varint64};
