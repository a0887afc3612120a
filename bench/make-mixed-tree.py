#!/usr/bin/env python3
"""Writes a reproducible mixed tree: text documents, JSON, logs, random binaries, a few large
files, and many small ones. Usage: make-mixed-tree.py DIR SIZE_MIB [SEED]"""
import os, random, sys

def main():
    root, size_mib = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    target = size_mib * 1024 * 1024
    words = [w.encode() for w in "the vector store holds embeddings of document chunks retrieved by similarity search for the language model answer".split()]
    written, n = 0, 0
    while written < target:
        kind = rnd.random()
        d = os.path.join(root, f"dir{n % 37:02d}", f"sub{n % 5}")
        os.makedirs(d, exist_ok=True)
        if kind < 0.55:      # small text documents
            size = rnd.randint(200, 64 * 1024)
            data = b" ".join(rnd.choice(words) for _ in range(size // 6))[:size]
            name = f"doc{n}.txt"
        elif kind < 0.75:    # JSON-ish records
            size = rnd.randint(1024, 512 * 1024)
            rec = b'{"id": %d, "score": 0.%d, "tags": ["a", "b"], "text": "%s"}\n'
            data = b"".join(rec % (i, rnd.randint(0, 99999), rnd.choice(words)) for i in range(size // 60))
            name = f"rec{n}.jsonl"
        elif kind < 0.97:    # random binaries (images, compressed uploads)
            size = rnd.randint(16 * 1024, 4 * 1024 * 1024)
            data = rnd.randbytes(size)
            name = f"blob{n}.bin"
        else:                # a few large files, half compressible
            size = rnd.randint(32, 128) * 1024 * 1024
            half = rnd.randbytes(size // 2)
            data = half + bytes(size - len(half))
            name = f"large{n}.img"
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        written += len(data)
        n += 1
    print(f"{n} files, {written / 1048576:.0f} MiB in {root}")

main()
