"""Run inside Superset's virtualenv by the provisioner: `accounts.py admin|analyst`, the password on
standard input (never an argument: command lines are visible to every local user in `ps`).

admin:   the platform administrator (Superset's Admin role).
analyst: the non-admin Analyst role (Gamma's and SQL Lab's permissions plus access to the serving
         database only) and the `analyst` user.
"""

import sys

from superset.app import create_app

kind = sys.argv[1]
password = sys.stdin.readline().rstrip("\n")
if kind not in ("admin", "analyst") or len(password) < 12:
    sys.exit("usage: accounts.py admin|analyst  (a password of 12+ characters on standard input)")
app = create_app()
with app.app_context():
    from superset import db, security_manager as sm

    def account(username: str, first: str, last: str, role) -> None:
        user = sm.find_user(username=username)
        if user is None:
            sm.add_user(username, first, last, f"{username}@hasiru.local", [role], password=password)
        else:
            user.roles = [role]
            db.session.commit()
            sm.reset_password(user.id, password)
        db.session.commit()

    if kind == "admin":
        account("admin", "Platform", "Admin", sm.find_role("Admin"))
        print("admin account ready")
    else:
        from superset.models.core import Database

        role = sm.find_role("Analyst") or sm.add_role("Analyst")
        wanted = set()
        for base in ("Gamma", "sql_lab"):
            wanted |= set(sm.find_role(base).permissions)
        serving = db.session.query(Database).filter_by(database_name="Hasiru serving").one()
        wanted.add(sm.add_permission_view_menu("database_access", serving.perm))
        role.permissions = sorted(wanted, key=lambda p: p.id)
        db.session.commit()
        account("analyst", "Hasiru", "Analyst", role)
        print(f"Analyst role: {len(role.permissions)} permissions; database access: {serving.perm}")
