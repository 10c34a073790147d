"""The townships room: members of the collective units, 协同分解 and carbon dual control."""
