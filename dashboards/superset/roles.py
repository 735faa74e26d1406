"""Run inside Superset's virtualenv by the provisioner: the non-admin Analyst role (Gamma's and SQL Lab's
permissions plus access to the serving database only) and the `analyst` user (password as argument)."""

import sys

from superset.app import create_app

app = create_app()
with app.app_context():
    from superset import db, security_manager as sm
    from superset.models.core import Database

    role = sm.find_role("Analyst") or sm.add_role("Analyst")
    wanted = set()
    for base in ("Gamma", "sql_lab"):
        wanted |= set(sm.find_role(base).permissions)
    serving = db.session.query(Database).filter_by(database_name="Hasiru serving").one()
    wanted.add(sm.add_permission_view_menu("database_access", serving.perm))
    role.permissions = sorted(wanted, key=lambda p: p.id)
    user = sm.find_user(username="analyst")
    if user is None:
        sm.add_user("analyst", "Hasiru", "Analyst", "analyst@hasiru.local", [role], password=sys.argv[1])
    else:
        user.roles = [role]
        user.password = sm.get_password_hash(sys.argv[1]) if hasattr(sm, "get_password_hash") else user.password
    db.session.commit()
    print(f"Analyst role: {len(role.permissions)} permissions; database access: {serving.perm}")
