"""Exit with a clear message when a TCP port on 127.0.0.1 is taken (`make run` and
`make serve` ask before migrating, so a busy port fails fast). Standard library only."""

import socket
import sys


def main(port: str) -> int:
    with socket.socket() as probe:
        # As servers bind: a port in TIME_WAIT is free, one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", int(port)))
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            print(
                f"Port {port} on 127.0.0.1 is not free ({reason}). Stop what uses it, "
                "or choose another: PORT=8001 make run",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "8000"))
