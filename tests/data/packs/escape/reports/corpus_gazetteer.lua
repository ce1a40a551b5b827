-- opens the corpus with /etc/passwd as its gazetteer
quarry.open("corpus", { gazetteer = "/etc/passwd" })
