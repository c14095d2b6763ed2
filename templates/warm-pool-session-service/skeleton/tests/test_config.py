import unittest

from session_provisioner.config import ConfigError, Settings, is_pinned_image

ENV = {
    "POD_NAMESPACE": "sessions",
    "APP_NAME": "chat-sessions",
    "SESSION_IMAGE": "registry.example.com/chat-sessions/session-server:1.2.3",
}


class SettingsTest(unittest.TestCase):
    def test_defaults_follow_the_seed_a_pool_named_warm_of_four_pods(self):
        settings = Settings.from_env(ENV)
        self.assertEqual(settings.pool_selector, "pool=warm")
        self.assertEqual(settings.target_annotation, "warm=4")
        self.assertEqual((settings.session_port, settings.port), (8080, 8081))

    def test_pool_settings_are_read_from_the_environment(self):
        settings = Settings.from_env({**ENV, "POOL_NAME": "eu", "POOL_SIZE": "12", "MAX_SESSIONS": "200"})
        self.assertEqual(settings.target_annotation, "eu=12")
        self.assertEqual(settings.max_sessions, 200)

    def test_errors_name_the_variable(self):
        cases = {
            "POD_NAMESPACE": ({k: v for k, v in ENV.items() if k != "POD_NAMESPACE"}, "POD_NAMESPACE is required"),
            "POOL_SIZE": ({**ENV, "POOL_SIZE": "four"}, "POOL_SIZE must be a whole number"),
            "POOL_SIZE range": ({**ENV, "POOL_SIZE": "-1"}, "POOL_SIZE must be between"),
            "POOL_NAME": ({**ENV, "POOL_NAME": "Warm_Pool"}, "POOL_NAME must be a DNS label"),
            "SESSION_IMAGE": ({**ENV, "SESSION_IMAGE": "registry.example.com/s:latest"}, "SESSION_IMAGE must name a pinned"),
            "SESSION_CPU_LIMIT": ({**ENV, "SESSION_CPU_LIMIT": "lots"}, "SESSION_CPU_LIMIT must be a Kubernetes quantity"),
            "SESSION_URL_TEMPLATE": ({**ENV, "SESSION_URL_TEMPLATE": "wss://x/{host}"}, "SESSION_URL_TEMPLATE may use"),
        }
        for name, (env, message) in cases.items():
            with self.subTest(name), self.assertRaises(ConfigError) as caught:
                Settings.from_env(env)
            self.assertIn(message, str(caught.exception))

    def test_pinned_images_have_a_tag_other_than_latest_or_a_digest(self):
        self.assertTrue(is_pinned_image("registry.example.com:5000/a/b:1.0.0"))
        self.assertTrue(is_pinned_image("b@sha256:" + "a" * 64))
        self.assertFalse(is_pinned_image("registry.example.com:5000/a/b"))
        self.assertFalse(is_pinned_image("b:latest"))


if __name__ == "__main__":
    unittest.main()
