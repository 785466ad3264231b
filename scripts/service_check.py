"""Exit 0 when a service answers.

Usage: ``service_check.py postgres URL`` or ``service_check.py redis URL``.
"""

import sys


def main() -> int:
    kind, url = sys.argv[1], sys.argv[2]
    try:
        if kind == "postgres":
            import psycopg

            base = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(base, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        elif kind == "redis":
            import redis

            redis.Redis.from_url(url, socket_timeout=3).ping()
        else:
            raise SystemExit(f"unknown service {kind}")
    except Exception as exc:
        print(f"{kind} not available at {url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
