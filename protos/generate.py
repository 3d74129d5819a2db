"""Build tooling: regenerates the Python code for every .proto under protos/ (make proto)."""
import pathlib
import sys

import grpc_tools
from grpc_tools import protoc

HERE = pathlib.Path(__file__).resolve().parent


def proto_files(root: pathlib.Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "hearth").rglob("*.proto"))


def generate(out_dir: pathlib.Path) -> None:
    """Writes *_pb2.py, *_pb2.pyi and *_pb2_grpc.py for every proto into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{HERE}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *proto_files(HERE),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Make every generated directory a regular package so the wheel carries it.
    for directory in [out_dir / "hearth", *(out_dir / "hearth").rglob("*")]:
        if directory.is_dir():
            (directory / "__init__.py").touch()


if __name__ == "__main__":
    generate(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "gen")
