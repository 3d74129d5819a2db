"""Cross-cutting: the body of every `<service>-worker` command: patch eventlet first, then run the nameko service."""
from __future__ import annotations

import warnings


def quiet_eventlet() -> None:
    """Keeps eventlet's multi-line deprecation notice (printed when it is first imported) out of the JSON log
    stream on stderr. Call before anything imports eventlet; the notice is its only warning filtered."""
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def run(service: str, target: str) -> None:
    """Runs `target` ("package.module:ServiceClass", whose module has `settings`) until SIGTERM."""
    quiet_eventlet()
    import eventlet

    eventlet.monkey_patch()

    import importlib

    from nameko.cli.run import run as run_services

    from hearth_common.logging import configure_logging

    module_name, class_name = target.split(":")
    module = importlib.import_module(module_name)
    configure_logging(service, "worker", module.settings.log_level)
    from hearth_common.nameko_deps import LOCAL_CALLER_CONFIG_KEY

    config = {"AMQP_URI": module.settings.amqp_uri, "max_workers": 10,
              LOCAL_CALLER_CONFIG_KEY: module.settings.rpc_local_caller}
    run_services([getattr(module, class_name)], config)
