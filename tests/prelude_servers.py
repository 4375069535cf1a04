#!/usr/bin/python3
"""Small line-protocol servers with a STARTTLS-style upgrade, for the golden
captures of tests/mkpcaps_prelude.sh (issue 16).  The TLS is Python's ssl
module (OpenSSL); the cleartext follows the RFCs closely enough for real
clients (openssl s_client -starttls, smtplib, poplib, ftplib) to talk to them.

  prelude_servers.py PROTO ADDR PORT CERT KEY [refuse]

PROTO: smtp (RFC 3207), pop3 (RFC 2595), ftp (RFC 4217).  One connection is
served, then the program exits.  With `refuse` the server advertises the
upgrade but answers the request with an error, and the session goes on in
cleartext until the client quits.
"""
import socket
import ssl
import sys

# proto: greeting, {command: reply}, upgrade command, yes, no, quit reply
PROTOS = {
    "smtp": ("220 mx.tlstap.test ESMTP ready",
             {"EHLO": "250-mx.tlstap.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME",
              "HELO": "250 mx.tlstap.test", "NOOP": "250 2.0.0 OK", "RSET": "250 2.0.0 OK"},
             "STARTTLS", "220 2.0.0 Ready to start TLS",
             "454 4.7.0 TLS not available due to local problem", "221 2.0.0 Bye"),
    "pop3": ("+OK tlstap POP3 ready",
             {"CAPA": "+OK Capability list follows\r\nUSER\r\nSTLS\r\n.", "NOOP": "+OK"},
             "STLS", "+OK Begin TLS negotiation", "-ERR TLS not available", "+OK Bye"),
    "ftp": ("220 tlstap FTP ready",
            {"FEAT": "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End",
             "SYST": "215 UNIX Type: L8", "NOOP": "200 OK", "PBSZ": "200 PBSZ=0",
             "PROT": "200 PROT now Private"},
             "AUTH", "234 AUTH TLS successful", "534 TLS not available", "221 Goodbye"),
}


def lines(f):
    for raw in f:
        yield raw.decode("latin-1").rstrip("\r\n")


def serve(proto, conn, ctx, refuse):
    greeting, replies, upgrade, yes, no, bye = PROTOS[proto]
    f = conn.makefile("rb")
    conn.sendall((greeting + "\r\n").encode())
    for line in lines(f):
        cmd = line.split(" ")[0].upper()
        if cmd == "QUIT":
            conn.sendall((bye + "\r\n").encode())
            return
        if cmd == upgrade:
            if refuse:
                conn.sendall((no + "\r\n").encode())
                continue
            conn.sendall((yes + "\r\n").encode())
            tls = ctx.wrap_socket(conn, server_side=True)
            tf = tls.makefile("rb")
            for tline in lines(tf):
                tcmd = tline.split(" ")[0].upper()
                if tcmd == "QUIT":
                    tls.sendall((bye + "\r\n").encode())
                    break
                tls.sendall(((replies.get(tcmd) or "250 OK") + "\r\n").encode())
            try:
                tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
            return
        conn.sendall(((replies.get(cmd) or "500 unknown command") + "\r\n").encode())


def main():
    if len(sys.argv) < 6 or sys.argv[1] not in PROTOS:
        sys.exit(__doc__)
    proto, addr, port, cert, key = sys.argv[1:6]
    refuse = len(sys.argv) > 6 and sys.argv[6] == "refuse"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(1)
    conn, _ = ls.accept()
    with conn:
        serve(proto, conn, ctx, refuse)


if __name__ == "__main__":
    main()
