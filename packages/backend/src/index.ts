/*
 * The Fleetdeck backend, on Backstage's new backend system.
 * Fleetdeck's own plugins are added below as they land; see DESIGN.md §1 for the layout.
 */
import { createBackend } from '@backstage/backend-defaults';
import { authModuleDevelopmentProvider } from './modules/developmentSignIn';
import { permissionModuleFleetdeckPolicy } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Auth: GitLab OAuth in production; the development provider (several catalog users, no IdP) in development.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-gitlab-provider'));
backend.add(authModuleDevelopmentProvider);

// Permissions: Fleetdeck's policy (admins do everything, everyone reads, config names who may mutate).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleFleetdeckPolicy);

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// the clusters of the upgrade-waves registry, as Resource entities
backend.add(
  import('@fleetdeck/plugin-catalog-backend-module-cluster-registry'),
);

// Scaffolder, publishing to GitLab
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// TechDocs
backend.add(import('@backstage/plugin-techdocs-backend'));

// Search
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// Kubernetes
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Fleetdeck: Istio upgrade waves (seed 002)
backend.add(import('@fleetdeck/plugin-upgrade-waves-backend'));
backend.add(import('@fleetdeck/plugin-scaffolder-backend-module-fleetdeck'));

// Fleetdeck: Redis Sentinel groups and their failovers (seed 004)
backend.add(import('@fleetdeck/plugin-sentinel-backend'));

// Fleetdeck: warm pod pools across clusters (seed 003)
backend.add(import('@fleetdeck/plugin-warm-pools-backend'));

// Events: with PostgreSQL its event bus carries events (signals among them) between backend replicas, so a browser
// on one replica sees live what another replica did
backend.add(import('@backstage/plugin-events-backend'));

// User settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// MCP actions
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
