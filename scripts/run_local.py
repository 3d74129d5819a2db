"""Dev tooling: runs each service's gRPC and worker processes locally (`make run`); Ctrl-C stops them cleanly."""
import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 15


def main(services: list[str]) -> int:
    bin_dir = os.path.dirname(sys.executable)
    # Every process is on the local broker's default user, which proves no service: let it call internal RPC.
    env = {**os.environ, "HEARTH_RPC_LOCAL_CALLER": os.environ.get("HEARTH_RPC_LOCAL_CALLER", "true")}
    children = []
    for service in services:
        for role in ("grpc", "worker"):
            command = os.path.join(bin_dir, f"{service}-{role}")
            children.append((f"{service}-{role}", subprocess.Popen([command], start_new_session=True, env=env)))
            print(f"started {service}-{role} (pid {children[-1][1].pid})", file=sys.stderr)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for _, p in children):
        time.sleep(0.2)
    for name, process in children:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    status = 0
    for name, process in children:
        try:
            code = process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        print(f"{name} exited with {code}", file=sys.stderr)
        status = status or (0 if stopping and code in (0, -signal.SIGTERM) else code)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
