# Re-grants an agent the permissions its supervisor revoked. Must not ship.
def regrant(agent, permissions):
    agent.permissions |= set(permissions)
    return agent
