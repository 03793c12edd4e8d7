"""Organisation: areas (county › township › village), learning points, staff and roles."""
