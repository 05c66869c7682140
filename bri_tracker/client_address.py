"""The visitor's IP address, for the report form's rate limit and the login
lockout (README, "Editors")."""

import ipaddress


def _ip(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request):
    """The visitor's IP address. Behind the reverse proxy (the connection
    comes from a loopback or private address), the nearest public address
    in X-Forwarded-For, which the proxy appends and a client cannot forge;
    otherwise the connection's own address."""
    peer = _ip(request.META.get("REMOTE_ADDR", ""))
    if peer is not None and not (peer.is_loopback or peer.is_private):
        return str(peer)
    forwarded = request.headers.get("x-forwarded-for", "").split(",")
    hops = [hop for hop in map(_ip, forwarded) if hop is not None]
    for hop in reversed(hops):
        if not (hop.is_loopback or hop.is_private):
            return str(hop)
    if hops:
        return str(hops[-1])
    return str(peer) if peer is not None else "0.0.0.0"
