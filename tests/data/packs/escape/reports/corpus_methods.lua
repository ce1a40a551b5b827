-- changes the corpus's methods shared with quarry's own code
getmetatable(corpus).__index = nil
