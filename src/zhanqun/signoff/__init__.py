"""The sign-off chain (R5): the policy engine (``policy``, pure functions); git and the hosting APIs at the edges."""
