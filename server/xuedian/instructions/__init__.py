"""Remote instructions to phones ("force a full resync", "update pack X by date Y"),
delivered in the changes feed at each phone's next contact (docs/push.md)."""
