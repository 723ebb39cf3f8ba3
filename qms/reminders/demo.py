"""Demo seeding for reminders: the daily schedule, and a sweep as soon as `make run` starts.

Why a one-off clocked PeriodicTask rather than the worker's `worker_ready` signal:
it goes through beat exactly like the daily sweep (so the demo shows the real
path), it is visible and editable in the admin, and it exists only where
seed_demo ran; a `worker_ready` hook would also fire in production on every
worker restart and send digests at odd hours.
"""

from .schedule import ensure_daily_sweep, ensure_delivery_run, schedule_demo_sweep


def seed_demo(stdout):
    ensure_daily_sweep()
    ensure_delivery_run()
    task = schedule_demo_sweep()
    stdout.write(f"  reminders: daily sweep scheduled; one-off sweep '{task.name}' fires when beat starts")
