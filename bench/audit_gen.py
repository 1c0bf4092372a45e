#!/usr/bin/env python3
"""Writes N audit entries straight into a madoguchi SQLite database (audit_log, audit_head,
audit_checkpoints), computing the chain with an independent implementation of the format in
docs/audit.md and signing a checkpoint every 1,000 entries with the Ed25519 key file given
(its 32-byte seed; created when missing). For the `audit verify` benchmark; also a check that
the documented format is the one the C code verifies.

usage: audit_gen.py DB KEY_FILE N"""
import hashlib
import os
import sqlite3
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

TAG = b"madoguchi-audit-v1"
CP_TAG = b"madoguchi-audit-checkpoint-v1"


def framed(tag, parts):
    h = hashlib.sha256(tag)
    for p in parts:
        h.update(struct.pack(">Q", len(p)))
        h.update(p)
    return h


def main():
    db, key_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if not os.path.exists(key_file):
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32))
        os.close(fd)
    seed = open(key_file, "rb").read()
    key = Ed25519PrivateKey.from_private_bytes(seed)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = hashlib.sha256(pub).hexdigest()[:16]
    con = sqlite3.connect(db)
    seq, prev = con.execute("SELECT seq, hash FROM audit_head").fetchone()
    at0 = 1_900_000_000_000
    rows, cps = [], []
    cp_seq, cp_at = con.execute("SELECT cp_seq, cp_at FROM audit_head").fetchone()
    for i in range(n):
        seq += 1
        at = at0 + i
        actor, ip = "tanaka", "192.0.2.%d" % (i % 250)
        action = "record.view" if i % 3 else "record.update"
        target = "app:3/record:%d" % (i % 100000)
        outcome = "ok"
        detail = '{"method":"GET","path":"/k/v1/record.json"}'
        parts = [struct.pack(">q", seq), struct.pack(">q", at)] + [
            s.encode() for s in (actor, ip, action, target, outcome, detail, prev)]
        h = framed(TAG, parts).hexdigest()
        rows.append((seq, at, actor, ip, action, target, outcome, detail, prev, h))
        prev = h
        if seq % 1000 == 0:
            digest = framed(CP_TAG, [b"periodic", struct.pack(">q", seq), h.encode(),
                                     struct.pack(">q", at)]).digest()
            cps.append((seq, at, h, key_id, key.sign(digest).hex(), "periodic"))
            cp_seq, cp_at = seq, at
        if len(rows) >= 50000:
            con.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            rows = []
    con.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO audit_checkpoints (seq, at, hash, key_id, signature, kind) "
                    "VALUES (?,?,?,?,?,?)", cps)
    con.execute("UPDATE audit_head SET seq = ?, hash = ?, cp_seq = ?, cp_at = ?",
                (seq, prev, cp_seq, cp_at))
    con.commit()


if __name__ == "__main__":
    main()
