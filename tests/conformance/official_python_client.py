"""Runs fal's official Python client (fal-client) against the simulated fal.

Not part of `cargo test` (it needs PyPI); run it by hand when the simulated fal changes:

    python3 -m venv /tmp/falvenv && /tmp/falvenv/bin/pip install fal-client==1.0.3
    cargo run -- fake-fal --port 8787 --queue-ms 200 --run-ms 1000 --log-ms 100 &
    /tmp/falvenv/bin/python tests/conformance/official_python_client.py http://127.0.0.1:8787

The client's base URLs are module constants with https:// baked in; they are the only thing
changed here. Everything else (submit, status polling with logs, the SSE stream, result,
cancel, uploads) is the official client's own code.
"""

import sys
import tempfile

import fal_client
import fal_client.client as impl

MODEL = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video"


def point_at(base: str) -> None:
    impl.QUEUE_URL_FORMAT = base.rstrip("/") + "/"
    impl.RUN_URL_FORMAT = base.rstrip("/") + "/"
    impl.REST_URL = base.rstrip("/")
    impl.CDN_URL = base.rstrip("/")


def main(base: str) -> None:
    point_at(base)
    client = fal_client.SyncClient(key="conformance-key")
    arguments = {
        "prompt": "a slow dolly shot of a lighthouse at dusk",
        "image_url": "https://example.com/frame.png",
    }

    # subscribe: submit, then follow status (polling, with logs) until completed, then result.
    logs = []
    result = client.subscribe(
        MODEL,
        arguments=arguments,
        with_logs=True,
        on_queue_update=lambda update: logs.extend(getattr(update, "logs", None) or []),
    )
    assert result["video"]["url"].endswith(".mp4"), result
    messages = [log["message"] for log in logs]
    assert any("Loading model" in m for m in messages), messages
    print(f"subscribe: ok, {len(messages)} log updates, video {result['video']['url']}")

    # submit + iter_events: the SSE status stream.
    handle = client.submit(MODEL, arguments=arguments)
    statuses = [type(event).__name__ for event in handle.iter_events(with_logs=True)]
    assert statuses[-1] == "Completed", statuses
    assert handle.get()["video"]["url"], "result after streaming"
    print(f"stream: ok, {len(statuses)} events ending {statuses[-1]}")

    # cancel while queued or running.
    handle = client.submit(MODEL, arguments=arguments)
    handle.cancel()
    final = list(handle.iter_events())[-1]
    assert type(final).__name__ == "Completed", final
    print("cancel: ok")

    # upload: the client's default CDN path (with its fallback to the initiate flow).
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        f.flush()
        url = client.upload_file(f.name)
    assert url.startswith(base.rstrip("/")), url
    print(f"upload: ok, {url}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8787")
