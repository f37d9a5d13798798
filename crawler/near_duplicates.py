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

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 4
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures must say theirs
_WORD = re.compile(r"\w+")


def signature(text: str) -> MinHash:
    words = _WORD.findall(text.lower())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    # In the affine32 scheme hash values are below 2**32: four bytes each.
    return minhash.hashvalues.astype("<u4").tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype="<u4").astype(np.uint64)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


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
