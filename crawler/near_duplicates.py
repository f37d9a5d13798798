"""Near-duplicate texts (syndicated copies): MinHash signatures in an LSH index (datasketch).

Two texts are near-duplicates when the Jaccard similarity of their sets of word 4-shingles
is at least a threshold. A copy with its own headline, byline and footer keeps most
shingles (about 0.75 in the tests); two different articles on the same subject share
almost none (below 0.05).

>>> index = NearDuplicateIndex(threshold=0.5)
>>> text = " ".join(f"word{n}" for n in range(200))
>>> index.add("a", signature(text))
>>> index.most_similar(signature(text + " and a new last line"))[0]
'a'
"""

import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

# Near-duplicates are looked for only among texts long enough for shingles to mean something.
MIN_NEAR_DUPLICATE_WORDS = 50
NUM_PERM = 128
SHINGLE_WORDS = 4
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures must say theirs
# Stored signatures start with this; one without it was made another way and is remade.
FORMAT = b"nh2:"
_WORD = re.compile(r"\w+")
# A shingle's 32-bit hash: its words' CRC-32s, each times its own odd 64-bit constant,
# summed, top 32 bits (multiply-shift hashing). numpy hashes a page's shingles at once,
# where SHA-1 per shingle (datasketch's default) took twice as long.
_MULTIPLIERS = [
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0xD6E8FEB86659FD93),
]
# Made once: datasketch draws the same permutations for every MinHash with the same seed,
# which costs as much as hashing a page's shingles.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the text's word 4-shingles (lower-cased words)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint64)
    crcs = np.fromiter((zlib.crc32(word.encode("utf-8")) for word in words), np.uint64, len(words))
    count = len(words) - SHINGLE_WORDS + 1
    # uint64 arithmetic wraps modulo 2**64, as multiply-shift hashing wants.
    combined = sum(crcs[i : i + count] * factor for i, factor in enumerate(_MULTIPLIERS))
    return np.unique(combined >> np.uint64(32))


def signature(text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_PERMUTATIONS, hashfunc=int)
    minhash.update_batch(shingle_hashes(text))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    # In the affine32 scheme hash values are below 2**32: four bytes each.
    return FORMAT + minhash.hashvalues.astype("<u4").tobytes()


def from_bytes(data: bytes) -> MinHash | None:
    """The signature stored as `data`, or None when it was made another way (remake it)."""
    if not data.startswith(FORMAT):
        return None
    values = np.frombuffer(data[len(FORMAT) :], dtype="<u4").astype(np.uint64)
    return MinHash(hashvalues=values, scheme=SCHEME, permutations=_PERMUTATIONS)


class NearDuplicateIndex:
    """Documents' signatures, searchable for the most similar one above `threshold`."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, MinHash] = {}

    def add(self, doc_id: str, minhash: MinHash) -> None:
        if doc_id not in self.signatures:
            self.lsh.insert(doc_id, minhash)
            self.signatures[doc_id] = minhash

    def remove(self, doc_id: str) -> None:
        if self.signatures.pop(doc_id, None) is not None:
            self.lsh.remove(doc_id)

    def most_similar(self, minhash: MinHash) -> tuple[str, float] | None:
        """(doc id, estimated Jaccard similarity) of the closest document, if close enough."""
        # LSH candidates can fall short of the threshold; their estimated similarity decides.
        scored = [
            (self.signatures[doc_id].jaccard(minhash), doc_id) for doc_id in self.lsh.query(minhash)
        ]
        scored = [(score, doc_id) for score, doc_id in scored if score >= self.threshold]
        if not scored:
            return None
        score, doc_id = max(scored)
        return doc_id, score

    def __len__(self) -> int:
        return len(self.signatures)
