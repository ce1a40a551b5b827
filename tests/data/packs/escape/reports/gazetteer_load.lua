-- loads /etc/passwd into a gazetteer by its method
quarry.gazetteer():load("/etc/passwd")
