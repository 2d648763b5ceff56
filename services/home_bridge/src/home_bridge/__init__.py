"""On-premises bridge: AWS IoT MQTT shadow client plus python-kasa device drivers."""
