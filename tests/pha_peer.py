#!/usr/bin/env python3
"""TLS 1.3 post-handshake client authentication (RFC 8446 4.6.2) with
Python's ssl module, for tests/mkkeylog_pha.sh: one side of one connection.

  pha_peer.py server PORT CERT KEY CAFILE
      accepts one connection; after the client's first line it asks for a
      certificate (verify_client_post_handshake) and writes a line, which
      carries the CertificateRequest; it then reads the client's answer and
      the client's second line (a client without a certificate gets the
      alert certificate_required here) and answers it.
  pha_peer.py client HOST PORT SNI CAFILE KEYLOG [CERT KEY]
      sends a line, reads the server's (and answers its CertificateRequest,
      with CERT when given, else with an empty Certificate), sends a second
      line and reads the answer.  Writes the NSS key log to KEYLOG.
"""
import socket
import ssl
import sys


def server(port, cert, key, cafile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(cafile)
    ctx.verify_mode = ssl.CERT_REQUIRED   # asked only after the handshake
    ctx.post_handshake_auth = True
    with socket.create_server(("", int(port))) as ls:
        raw, _ = ls.accept()
        with ctx.wrap_socket(raw, server_side=True) as conn:
            conn.recv(1024)
            conn.verify_client_post_handshake()
            conn.sendall(b"certificate please\n")
            try:
                conn.recv(1024)
                who = conn.getpeercert() or {}
                name = dict(x[0] for x in who.get("subject", ()))
                conn.sendall(("hello %s\n" % name.get("commonName", "?")).encode())
                conn.recv(1024)
            except (ssl.SSLError, OSError) as e:
                print("server:", e)


def client(host, port, sni, cafile, keylog, cert=None, key=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(cafile)
    ctx.post_handshake_auth = True
    ctx.keylog_filename = keylog
    if cert:
        ctx.load_cert_chain(cert, key)
    with socket.create_connection((host, int(port))) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni) as s:
            try:
                s.sendall(b"hello tlstap\n")
                print("client:", s.recv(1024))
                s.sendall(b"second line\n")
                print("client:", s.recv(1024))
            except (ssl.SSLError, OSError) as e:
                print("client:", e)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "server":
        server(*sys.argv[2:])
    elif len(sys.argv) in (7, 9) and sys.argv[1] == "client":
        client(*sys.argv[2:])
    else:
        sys.exit(__doc__)
