"""End-to-end helpers: starting the services' real processes and waiting for them (the fixtures are in conftest.py)."""
import json
import pathlib
import signal
import socket
import subprocess
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from hearth_common import errors
from hearth_common.rpc_client import RpcClient, RpcTimeout, RpcUnavailable

BIN = pathlib.Path(sys.executable).parent
ADMIN = ("e2e_admin", "e2e admin password")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A service process whose JSON log lines are kept for assertions."""

    def __init__(self, name, env, log_dir):
        self.name, self.env = name, env
        self.log_path = log_dir / f"{name}-{time.monotonic_ns()}.log"
        self.process = subprocess.Popen(
            [str(BIN / name)], env=env, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w")
        )

    def logs(self):
        lines = []
        for raw in self.log_path.read_text().splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                pass
        return lines

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def terminate(self, timeout=20):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


class Stack:
    def __init__(self, env, log_dir, grpc_target):
        self.env, self.log_dir, self.grpc_target = env, log_dir, grpc_target
        self.grpc = self.worker = None

    def start_grpc(self, **extra_env):
        self.grpc = Proc("identity-grpc", {**self.env, **extra_env}, self.log_dir)
        wait_serving(self.grpc_target, self.grpc)
        return self.grpc

    def start_worker(self):
        self.worker = Proc("identity-worker", self.env, self.log_dir)
        wait_worker_ready(self.env["IDENTITY_AMQP_URI"], self.worker)
        return self.worker

    def stop(self):
        for proc in (self.grpc, self.worker):
            if proc is not None and proc.process.poll() is None:
                proc.terminate()


def wait_worker_ready(amqp_uri, proc, timeout=30):
    """Ready when identity's worker answers RPC."""
    client = RpcClient(amqp_uri, timeout=1, caller="e2e-probe")
    deadline = time.monotonic() + timeout
    try:
        while True:
            assert proc.process.poll() is None, proc.log_path.read_text()
            try:
                client.call("identity", "get_person", username="nobody-at-all")
            except errors.NotFound:
                return
            except (RpcTimeout, RpcUnavailable):
                assert time.monotonic() < deadline, f"{proc.name}: identity worker did not become ready"
                time.sleep(0.1)
    finally:
        client.close()


def wait_serving(target, proc, timeout=30):
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            assert proc.process.poll() is None, proc.log_path.read_text()
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            assert time.monotonic() < deadline, f"{proc.name} did not become healthy"
            time.sleep(0.1)


def staff_call(method, request, staff, timeout=10):
    """An admin's call, retried while the service has not yet learned of the admin's role from identity's events
    (a service checks roles in its own read model; just after it starts it may not have them yet)."""
    from hearth_common import testing

    def attempt():
        try:
            return method(request, metadata=staff, timeout=timeout)
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.PERMISSION_DENIED, exc.details()
            return None
    return testing.eventually(attempt, timeout=30, what="the admin's role to reach the service")
