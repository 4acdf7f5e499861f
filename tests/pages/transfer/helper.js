self.helperLoaded = "classic helper";
