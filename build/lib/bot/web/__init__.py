"""The organisers' web dashboard (server-rendered French pages under /admin)."""

from bot.web.app import MOUNT_PATH, build_dashboard, dashboard_mount
from bot.web.context import DashboardContext

__all__ = ["MOUNT_PATH", "DashboardContext", "build_dashboard", "dashboard_mount"]
