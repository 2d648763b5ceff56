"""Smart-home contract shared by the Lambda, the bridge and the devstack.

The tool schema file, the shadow document models and the naming rules live here, once.
"""
