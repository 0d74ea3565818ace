"""`flask checkin certificate`: HTTPS for the check-in devices on the venue's network.

Browsers give the camera only to pages served over HTTPS (or from localhost). At a venue the
scanner runs on phones and laptops that reach the organisers' laptop by its address on the local
network, often with no internet to get a public certificate. So the laptop makes its own: a
certificate for its own addresses, which each device accepts once (or installs, which silences the
warning for good). `make venue` makes it and serves the app with it.
"""
import ipaddress
import socket
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

checkin_cli = AppGroup("checkin", help="Check-in at the venue.")


def local_addresses() -> list[str]:
    """This machine's address on the network it would use to go out (no packet is sent), and 127.0.0.1."""
    found = {"127.0.0.1"}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed; picks the outgoing interface
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(found)


@checkin_cli.command("certificate")
@click.option("--ip", "addresses", multiple=True, help="An address the devices use (default: this machine's).")
@click.option("--name", "names", multiple=True, help="A host name the devices use, e.g. checkin.local.")
@click.option("--days", default=30, show_default=True, help="How long it is valid: a congress, not a year.")
@click.option("--out", "folder", type=click.Path(file_okay=False), help="Where to write cert.pem and key.pem "
              "(default: the instance folder's venue-tls/).")
def certificate_command(addresses, names, days, folder):
    """Make a TLS certificate for this laptop's addresses, for the scanner's camera on the venue network."""
    addresses = list(addresses) or local_addresses()
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise click.BadParameter(f"{address!r} is not an IP address.", param_hint="--ip") from None
    target = Path(folder or Path(current_app.instance_path) / "venue-tls")
    target.mkdir(parents=True, exist_ok=True)
    alternative = ",".join([f"IP:{a}" for a in addresses] + [f"DNS:{n}" for n in ("localhost", *names)])
    # A fixed argument list without a shell; openssl is the one on the operator's PATH.
    made = subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),  # noqa: S607
         "-subj", "/CN=EventHub check-in", "-addext", f"subjectAltName={alternative}",
         "-keyout", str(target / "key.pem"), "-out", str(target / "cert.pem")],
        capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise click.ClickException(f"openssl could not make the certificate:\n{made.stderr}")
    (target / "key.pem").chmod(0o600)
    click.echo(f"Wrote {target / 'cert.pem'} and {target / 'key.pem'} for {', '.join(addresses)}.")
    click.echo("Serve with: gunicorn -w 2 -b 0.0.0.0:8443 "
               f"--certfile {target / 'cert.pem'} --keyfile {target / 'key.pem'} wsgi:app   (or: make venue)")
    for address in addresses:
        if address != "127.0.0.1":
            click.echo(f"Check-in devices open https://{address}:8443/ and accept the certificate once "
                       "(or install cert.pem on them).")
