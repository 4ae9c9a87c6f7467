terraform {
  required_version = ">= 0.13"
  required_providers {
    secureaml = {
      source = "secureaml/secureaml"
    }
  }
}
