"""Smart-home contract shared by the Lambda, the bridge and the devstack: tool schema, shadow document, naming rules."""
